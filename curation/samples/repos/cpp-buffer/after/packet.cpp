#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

struct Header {
    uint16_t type;
    uint16_t length;
};

std::vector<uint8_t> payload(const uint8_t* data, size_t size) {
    if (data == nullptr || size < sizeof(Header)) {
        throw std::invalid_argument("packet shorter than its header");
    }
    Header header;
    std::memcpy(&header, data, sizeof header);
    if (header.length > size - sizeof header) {
        throw std::invalid_argument("declared length exceeds packet size");
    }
    const uint8_t* start = data + sizeof header;
    return std::vector<uint8_t>(start, start + header.length);
}
